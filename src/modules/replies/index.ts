/** Replies to customers on their channel: what other modules and the composition root may import. */
export { RepliesService, presentReplyDelivery, CUSTOMER_REPLY_EVENT, type RepliesDeps, type ReplyDeliveryView } from './replies.service.js';
export { looksAutomated, replySubject, replyTarget, type ReplyTarget, type ReplyWarning } from './replies.policy.js';
export { repliesRoutes } from './replies.routes.js';
