import { z } from 'zod';

export const healthSchema = z.object({ status: z.literal('ok'), node: z.string() });
export type Health = z.infer<typeof healthSchema>;

export const CHECK_RESULTS = ['ok', 'down', 'absent'] as const;

/** `GET /readyz`: 200 when every configured dependency answers, 503 otherwise. */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready', 'draining']),
  node: z.string(),
  checks: z.object({
    database: z.enum(CHECK_RESULTS),
    redis: z.enum(CHECK_RESULTS),
  }),
});
export type Readiness = z.infer<typeof readinessSchema>;
