export { storeConformance, type StoreUnderTest } from './store-suite.js';
