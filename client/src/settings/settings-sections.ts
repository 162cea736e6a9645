import type { ComponentType } from 'react';
import type { Role } from '../../../shared/domain';
import { AiSettingsSection } from './ai-settings-section';
import { AuditLogSection } from './audit-log-section';
import { CatalogSection } from './catalog-section';
import { IntegrationsSection } from './integrations-section';
import { PaymentProvidersSection } from './payment-providers-section';
import { PrivacySection } from './privacy-section';
import { SecuritySection } from './security-section';
import { TeamSection } from './team-section';

export interface SettingsSection {
  id: string;
  label: string;
  roles: readonly Role[];
  component: ComponentType;
}

const everyone: readonly Role[] = ['owner', 'admin', 'agent'];
const managers: readonly Role[] = ['owner', 'admin'];
const owner: readonly Role[] = ['owner'];

/** In the order they are listed; the first one a role may see is where /settings lands. */
export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  { id: 'channels', label: 'Channels', roles: managers, component: IntegrationsSection },
  { id: 'payments', label: 'Payments', roles: managers, component: PaymentProvidersSection },
  { id: 'ai', label: 'AI assistant', roles: managers, component: AiSettingsSection },
  { id: 'catalog', label: 'Catalog', roles: managers, component: CatalogSection },
  { id: 'team', label: 'Team', roles: everyone, component: TeamSection },
  { id: 'security', label: 'Security', roles: everyone, component: SecuritySection },
  { id: 'privacy', label: 'Privacy and data', roles: owner, component: PrivacySection },
  { id: 'audit-log', label: 'Audit log', roles: owner, component: AuditLogSection },
];

export const sectionsFor = (role: Role) => SETTINGS_SECTIONS.filter((s) => s.roles.includes(role));
