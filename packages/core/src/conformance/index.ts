export { storeConformance, type StoreUnderTest } from './store-suite.js';
export { runtimeConformance, type RuntimeUnderTest } from './runtime-suite.js';
export { inboxConformance } from './inbox-suite.js';
export { busConformance } from './bus-suite.js';
export { engineConformance, type EngineUnderTest } from './engine-suite.js';
