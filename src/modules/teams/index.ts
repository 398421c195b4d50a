export { TeamsService, type TeamInput } from './teams.service.js';
export { teamsRoutes } from './teams.routes.js';
export { TeamView } from './teams.presenter.js';
export { teamIdsOfUser, membersOf, findTeam } from './teams.repository.js';
