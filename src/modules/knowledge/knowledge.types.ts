export const ARTICLE_VISIBILITIES = ['internal', 'public'] as const;
export type ArticleVisibility = (typeof ARTICLE_VISIBILITIES)[number];

/** Why an article needs its owner's attention at review. */
export type ReviewFlag = 'review_due' | 'never_used' | 'answer_returned';

export interface ArticleInput {
  titleJa?: string;
  bodyJa?: string;
  titleEn?: string;
  bodyEn?: string;
  category?: string | null;
  product?: string | null;
  ownerId?: string | null;
  reviewAt?: string | null;
  visibility?: ArticleVisibility;
}
