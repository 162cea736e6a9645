import { sql } from 'drizzle-orm';
import type { Db } from '../persistence/db';

/**
 * Takes a contact's conversations out of the state gauges before the contact (and, by cascade,
 * its conversations) is erased, in the caller's transaction; the period counters stay, like the
 * business's orders. A conversation that never saw an event was never counted.
 */
export async function releaseContactGauges(
  db: Db,
  businessId: string,
  contactId: string,
): Promise<void> {
  // Locked, so a transition committing meanwhile cannot move the gauge under us.
  await db.execute(sql`
    with erased as (
      select business_id, channel, state from conversations
       where business_id = ${businessId} and contact_id = ${contactId} and version > 0
         for update)
    insert into analytics_gauges (business_id, channel, state, slot, count)
    select business_id, channel, state, 0, -count(*) from erased
     group by business_id, channel, state
    on conflict (business_id, channel, state, slot)
    do update set count = analytics_gauges.count + excluded.count`);
}
