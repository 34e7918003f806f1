import { backupVolumeSize } from './backup-volume';

describe('backupVolumeSize', () => {
  it.each([
    ['1Gi', 3, '1Gi'],
    ['5Gi', 7, '10Gi'],
    ['10Gi', 30, '78Gi'],
    ['512Mi', 1, '1Gi'],
    ['100Gi', 7, '200Gi'],
  ])('%s of data kept %i times needs %s', (storage, retention, expected) => {
    expect(backupVolumeSize(storage, retention)).toBe(expected);
  });

  it('grows with the data and with the retention, never with less of either', () => {
    expect(backupVolumeSize('20Gi', 7)).toBe('40Gi');
    expect(backupVolumeSize('20Gi', 14)).toBe('75Gi');
  });
});
