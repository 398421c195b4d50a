export { SupervisorBoard } from '../features/supervisor/SupervisorBoard.js';
