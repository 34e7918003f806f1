import { namesakes } from './namesakes';

describe('namesakes: the other databases whose <namespace>-<name> is the same text', () => {
  it('splits at every hyphen where both parts are names', () => {
    expect(namesakes({ namespace: 'team-b', name: 'billing' })).toEqual([{ namespace: 'team', name: 'b-billing' }]);
    expect(namesakes({ namespace: 'team', name: 'b-billing' })).toEqual([{ namespace: 'team-b', name: 'billing' }]);
    expect(namesakes({ namespace: 'a-b', name: 'c-d' })).toEqual([
      { namespace: 'a', name: 'b-c-d' },
      { namespace: 'a-b-c', name: 'd' },
    ]);
  });

  it('has none for a name without further hyphens, and never a part that starts or ends with "-" or passes 63 characters', () => {
    expect(namesakes({ namespace: 'default', name: 'orders' })).toEqual([]);
    expect(namesakes({ namespace: 'team', name: 'a--b' })).toEqual([]);
    expect(namesakes({ namespace: 'abcde', name: `${'x'.repeat(58)}-c` })).toEqual([]); // "abcde-xxx..." would be 64 characters
    expect(namesakes({ namespace: 'ab', name: `${'y'.repeat(59)}-c` })).toEqual([{ namespace: `ab-${'y'.repeat(59)}`, name: 'c' }]);
  });
});
