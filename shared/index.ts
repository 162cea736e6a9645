export * from './errors';
export * from './domain';
export * from './ops.schema';
export * from './auth.schema';
export * from './settings.schema';
export * from './privacy.schema';
export * from './audit.schema';
export * from './commerce.schema';
