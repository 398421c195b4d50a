/** Request bodies of paths and levels for integration tests (a level reaching given targets). */
export const levelBody = (name: string, targets: unknown[], over: Record<string, unknown> = {}) => ({
  name,
  kind: 'functional',
  targets,
  contact: { department: 'Billing', person: null, phone: '03-0000-0000', email: 'billing@test.example' },
  ackTimeoutSeconds: 600,
  calendarId: null,
  onTimeout: { advance: true, repeatReminders: 1, reminderIntervalSeconds: 300 },
  requiredBriefFields: [],
  ...over,
});

export const pathBody = (ownerId: string, levels: unknown[], over: Record<string, unknown> = {}) => ({
  name: `Path ${Math.random().toString(36).slice(2, 8)}`,
  purpose: 'Billing disputes',
  ownerId,
  reviewIntervalDays: 90,
  active: true,
  conditions: { categories: [], products: [], tags: [], tagMode: 'any', priorities: [], channels: [], customerTiers: [], customerTemperatures: [], keywords: [] },
  levels,
  fallbackUserIds: [],
  fallbackTeamId: null,
  ...over,
});
