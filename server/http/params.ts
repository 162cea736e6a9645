import { AppError } from '../errors';
import { isUuid } from '../persistence/tenant';

/**
 * A path param that names a row. Anything but a UUID cannot exist, so it is a 404 like any
 * other missing (or other tenant's) row, never a database cast error.
 */
export function uuidParam(value: string): string {
  if (!isUuid(value)) throw new AppError('not_found');
  return value.toLowerCase();
}
