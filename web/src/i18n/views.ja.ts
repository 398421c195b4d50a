import type { viewsEn } from './views.en.js';

/** 保存したビュー。'views.' の下。 */
export const viewsJa: typeof viewsEn = {
  title: '保存したビュー',
  none: 'まだありません',
  shared: '共有',
  count_one: '{{count}} 件',
  count_other: '{{count}} 件',
  name: 'ビューの名前',
  shareIt: '全員に共有',
  save: '保存',
  cancel: 'キャンセル',
  saveThis: 'このビューを保存',
};
