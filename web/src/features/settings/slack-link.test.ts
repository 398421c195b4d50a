import { describe, expect, it } from 'vitest';
import { slackLinkToken } from './SlackLinkPage.js';

describe('the Slack link page', () => {
  it('takes the token from the fragment only when it looks like one', () => {
    expect(slackLinkToken('#t=abcdefghijklmnopqrstuvwxyz_-0123456789ABCDE')).toBe('abcdefghijklmnopqrstuvwxyz_-0123456789ABCDE');
    expect(slackLinkToken('#t=short')).toBeNull();
    expect(slackLinkToken('#t=<script>alert(1)</script>aaaaaaaaaaaaaaaa')).toBeNull();
    expect(slackLinkToken('')).toBeNull();
  });
});
