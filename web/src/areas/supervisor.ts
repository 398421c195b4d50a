export { SupervisorBoard } from '../features/supervisor/SupervisorBoard.js';
export { WallboardPage } from '../features/hands/WallboardPage.js';
