import type { NoticeData } from '../../src/reauth/notice-data';

/**
 * A notice's data as the block tests draw it: Jane Doe's bad login at PG&E, no request yet. `over`
 * replaces whole fields, `status` the problem's own.
 */
export const badLoginNotice = (
  over: Partial<NoticeData> & Pick<NoticeData, 'since'>,
  status: Partial<NoticeData['status']> = {},
): NoticeData => ({
  authorizationId: 'auth-42',
  workspaceId: 'T-one',
  version: 1,
  customerName: 'Jane Doe',
  customerEmail: 'jane@example.com',
  utility: 'PG&E',
  lastRequest: null,
  ...over,
  status: {
    state: 'bad_login',
    reason: 'invalid_credentials',
    expiresAt: null,
    declinedAt: null,
    revokedAt: null,
    incidentOpen: true,
    ...status,
  },
});
