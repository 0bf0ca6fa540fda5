import { type CustomerFields, mergeCustomer, sameCustomer } from '../../src/domain/customer';

const relinks: CustomerFields = {
  name: 'Jane Roe',
  email: 'jane@example.com',
  editedInRelink: false,
  utility: 'PG&E',
};
const platformSays = { name: 'J. Roe', email: 'j.roe@example.com', utility: 'SCE' };

describe('merging what a platform says about the customer', () => {
  it('takes the platform name, email and utility while nobody has corrected the customer', () => {
    expect(mergeCustomer(relinks, platformSays)).toEqual({ ...platformSays, editedInRelink: false });
  });

  it('keeps a name and email corrected in Slack over the platform, but follows its utility', () => {
    const corrected = { ...relinks, editedInRelink: true };
    expect(mergeCustomer(corrected, platformSays)).toEqual({ ...corrected, utility: 'SCE' });
  });

  it("keeps relink's value for any field the platform does not know", () => {
    expect(mergeCustomer(relinks, { name: null, email: null, utility: null })).toEqual(relinks);
  });

  it('changes nothing when the platform said nothing about the customer', () => {
    expect(mergeCustomer(relinks, null)).toEqual(relinks);
  });

  it('applies a correction made in Slack after the platform, and remembers it was made', () => {
    const edit = { name: 'Jane Q. Roe', email: 'jq@example.com' };
    expect(mergeCustomer(relinks, platformSays, edit)).toEqual({
      name: 'Jane Q. Roe',
      email: 'jq@example.com',
      editedInRelink: true,
      utility: 'SCE',
    });
  });
});

describe('comparing customers', () => {
  it('tells a customer apart by any field, including whether it was corrected in Slack', () => {
    expect(sameCustomer(relinks, { ...relinks })).toBe(true);
    expect(sameCustomer(relinks, { ...relinks, email: 'other@example.com' })).toBe(false);
    expect(sameCustomer(relinks, { ...relinks, utility: 'SCE' })).toBe(false);
    expect(sameCustomer(relinks, { ...relinks, editedInRelink: true })).toBe(false);
  });
});
