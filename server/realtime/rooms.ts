/**
 * Room names. Every broadcast targets exactly one room, so socket.io on uWS takes its fast
 * path (`app.publish`; docs/architecture.md, "Realtime": one room, no `except`).
 */
export const businessRoom = (businessId: string) => `biz:${businessId}`;
/** Owners and admins of a business (commerce notices). */
export const managersRoom = (businessId: string) => `biz:${businessId}:managers`;
export const userRoom = (userId: string) => `user:${userId}`;
/** Every socket of one login, so a logout or a detected token theft ends just that one. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const conversationRoom = (conversationId: string) => `conv:${conversationId}`;
