export { LevelStore } from './store/level-store.js';
