/** The demo's sign-in password unless ARC_DEMO_PASSWORD gives one (here so `--help` loads nothing else). */
export const DEFAULT_DEMO_PASSWORD = 'arc-demo-password';
