import type { Role } from '../../../shared/domain';

export interface NavItem {
  to: string;
  label: string;
  roles: readonly Role[];
}

const everyone: readonly Role[] = ['owner', 'admin', 'agent'];
const managers: readonly Role[] = ['owner', 'admin'];

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/inbox', label: 'Inbox', roles: everyone },
  { to: '/analytics', label: 'Analytics', roles: managers },
  { to: '/settings', label: 'Settings', roles: everyone },
];
