/**
 * One panel's way to the receiver: its own TCP connection or UDP socket, as a real panel has.
 * Replies come back whole (one DC-09 frame each) through `onReply`.
 */
export interface PanelLink {
  /** Sends one frame, (re)connecting first when needed. */
  send(frame: Buffer): void;
  /** Closes the socket for good; resolves once it is closed. */
  close(): Promise<void>;
}

export interface PanelLinkEvents {
  onReply(frame: Buffer): void;
  /** The connection the last frame went out on is gone (TCP only): that attempt gets no answer. */
  onDisconnect(): void;
}
