/** Saved views (issue 15 §2). Under 'views.'. */
export const viewsEn = {
  title: 'Saved views',
  none: 'none yet',
  shared: 'shared',
  count_one: '{{count}} ticket',
  count_other: '{{count}} tickets',
  name: 'Name of the view',
  shareIt: 'Share with everyone',
  save: 'Save',
  cancel: 'Cancel',
  saveThis: 'Save this view',
};
