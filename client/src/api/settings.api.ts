import { settingsContracts } from '../../../shared/api/settings.contract';
import type { PaymentProvider } from '../../../shared/domain';
import type {
  AiSettingsInput,
  IntegrationCreateRequest,
  IntegrationUpdateRequest,
  PaymentProviderUpdateRequest,
} from '../../../shared/settings.schema';
import { api } from './client';

export const listIntegrations = () => api.call(settingsContracts.listIntegrations);

export const createIntegration = (body: IntegrationCreateRequest) =>
  api.call(settingsContracts.createIntegration, { body });

/** A new token for a connected account; the server proves it with Meta first (422 if not). */
export const changeIntegrationToken = (id: string, body: IntegrationUpdateRequest) =>
  api.call(settingsContracts.updateIntegration, { params: { id }, body });

export const deleteIntegration = (id: string) =>
  api.call(settingsContracts.deleteIntegration, { params: { id } });

export const getPaymentProvider = (provider: PaymentProvider) =>
  api.call(settingsContracts.getPaymentProvider, { params: { provider } });

/**
 * Owner only, with the owner's current password in the body (403 with a `password` field error
 * when it is wrong): whoever holds these keys receives the shop's money. The owner is e-mailed.
 */
export const savePaymentProvider = (
  provider: PaymentProvider,
  body: PaymentProviderUpdateRequest,
) => api.call(settingsContracts.savePaymentProvider, { params: { provider }, body });

export const getAiSettings = () => api.call(settingsContracts.getAiSettings);

export const saveAiSettings = (body: AiSettingsInput) =>
  api.call(settingsContracts.saveAiSettings, { body });

/** The operator's models with their prices, and its monthly limit per business. */
export const getAiOffer = () => api.call(settingsContracts.aiOffer);
