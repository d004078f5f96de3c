import type { ColumnType } from 'kysely';

/**
 * Customer master data (migration 0003) as kysely sees it. Configuration, not history: rows are
 * edited in place (each change audited); customers are never deleted, only decommissioned.
 */
export interface CustomerTables {
  customer: CustomerTable;
  zone: ZoneTable;
  panel_user: PanelUserTable;
  customer_contact: CustomerContactTable;
}

/** jsonb: written as JSON text, read as the parsed value. */
type Json<T> = ColumnType<T, string, string>;

export interface CustomerTable {
  id: ColumnType<string, string | undefined, never>;
  name: string;
  address: string;
  lat: number | null;
  lng: number | null;
  contract_type: string;
  service_status: string;
  on_test_from: Date | null;
  on_test_until: Date | null;
  /** scrypt (src/auth/secret-hash.ts); never leaves the server. */
  passcode_hash: string | null;
  duress_hash: string | null;
  reporting_interval_s: number | null;
  schedule: ColumnType<unknown, string | null, string | null>;
  guard_area: string | null;
  video_links: Json<string[]>;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
}

export interface ZoneTable {
  account: string;
  number: number;
  name: string;
  location: string;
  type: string;
  principle: string | null;
  linked_group: string | null;
}

export interface PanelUserTable {
  account: string;
  number: number;
  name: string;
}

export interface CustomerContactTable {
  customer_id: string;
  /** 1 is called first. */
  position: number;
  name: string;
  relation: string;
  phones: Json<string[]>;
}
