// The one frame a client sends over the bridge, checked with zod on the server (the browser client has no
// zod: see bridge-protocol.ts). The call's argument is then checked against its channel's schema by
// dispatchCall (bench-schemas.ts).
import { z } from 'zod';

export const callMessageSchema = z.strictObject({
  type: z.literal('call'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().min(1).max(64),
  arg: z.unknown().optional(),
});
