import type { PaymentProvider } from '../../../shared/domain';
import {
  aiOfferSchema,
  aiSettingsSchema,
  integrationListResponseSchema,
  integrationSchema,
  paymentProviderSettingsSchema,
  type AiSettings,
  type IntegrationCreateRequest,
  type IntegrationUpdateRequest,
  type PaymentProviderUpdateRequest,
} from '../../../shared/settings.schema';
import { api } from './client';

export const listIntegrations = () =>
  api.request('/api/integrations', { schema: integrationListResponseSchema });

export const createIntegration = (body: IntegrationCreateRequest) =>
  api.request('/api/integrations', { body, schema: integrationSchema });

/** A new token for a connected account; the server proves it with Meta first (422 if not). */
export const changeIntegrationToken = (id: string, body: IntegrationUpdateRequest) =>
  api.request(`/api/integrations/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body,
    schema: integrationSchema,
  });

export const deleteIntegration = (id: string) =>
  api.request(`/api/integrations/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const getPaymentProvider = (provider: PaymentProvider) =>
  api.request(`/api/payment-providers/${provider}`, { schema: paymentProviderSettingsSchema });

/**
 * Owner only, with the owner's current password in the body (403 with a `password` field error
 * when it is wrong): whoever holds these keys receives the shop's money. The owner is e-mailed.
 */
export const savePaymentProvider = (
  provider: PaymentProvider,
  body: PaymentProviderUpdateRequest,
) =>
  api.request(`/api/payment-providers/${provider}`, {
    method: 'PUT',
    body,
    schema: paymentProviderSettingsSchema,
  });

export const getAiSettings = () => api.request('/api/ai-settings', { schema: aiSettingsSchema });

export const saveAiSettings = (body: AiSettings) =>
  api.request('/api/ai-settings', { method: 'PUT', body, schema: aiSettingsSchema });

/** The operator's models with their prices, and its monthly limit per business. */
export const getAiOffer = () => api.request('/api/ai-settings/offer', { schema: aiOfferSchema });
