export * from './settings';
export * from './auth';
export * from './receiver';
export * from './subscriptions';
export * from './inboundService';
