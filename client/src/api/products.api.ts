import { commerceContracts } from '../../../shared/api/commerce.contract';
import type { ProductCreateRequest, ProductUpdateRequest } from '../../../shared/commerce.schema';
import { api } from './client';

/** The catalog (api.md, "Integrations and settings"), in the shared contract's shapes. */
export type { Product, ProductCreateRequest } from '../../../shared/commerce.schema';

export const listProducts = async () => (await api.call(commerceContracts.listProducts)).items;

export const createProduct = (body: ProductCreateRequest) =>
  api.call(commerceContracts.createProduct, { body });

export const updateProduct = (id: string, body: ProductUpdateRequest) =>
  api.call(commerceContracts.updateProduct, { params: { id }, body });

export const deleteProduct = (id: string) =>
  api.call(commerceContracts.deleteProduct, { params: { id } });
