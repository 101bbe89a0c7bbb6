import { daylightSavingChanges, daylightSavingChangesAt } from '../../lib/daylight-saving';

describe('daylight-saving changes', () => {
  test.each([
    ['Europe/London', [{ kind: 'skipped', startMinute: 60, minutes: 60 }, { kind: 'repeated', startMinute: 60, minutes: 60 }]],
    ['Europe/Helsinki', [{ kind: 'skipped', startMinute: 180, minutes: 60 }, { kind: 'repeated', startMinute: 180, minutes: 60 }]],
    ['America/New_York', [{ kind: 'skipped', startMinute: 120, minutes: 60 }, { kind: 'repeated', startMinute: 60, minutes: 60 }]],
    // Southern hemisphere: clocks go back in April and forward in October.
    ['Australia/Sydney', [{ kind: 'repeated', startMinute: 120, minutes: 60 }, { kind: 'skipped', startMinute: 120, minutes: 60 }]],
    // Changes at midnight: the repeated hour is the last of the previous day.
    ['America/Santiago', [{ kind: 'repeated', startMinute: 23 * 60, minutes: 60 }, { kind: 'skipped', startMinute: 0, minutes: 60 }]],
    // A half-hour change.
    ['Australia/Lord_Howe', [{ kind: 'repeated', startMinute: 90, minutes: 30 }, { kind: 'skipped', startMinute: 120, minutes: 30 }]],
    ['Asia/Tokyo', []],
    ['Etc/UTC', []],
  ])('in %s during 2026', (zone, changes) => {
    expect(daylightSavingChanges(zone, 2026)).toEqual(changes);
  });

  test.each([
    ['Europe/London', '00:59', []],
    ['Europe/London', '01:00', ['skipped', 'repeated']],
    ['Europe/London', '01:59', ['skipped', 'repeated']],
    ['Europe/London', '02:00', []],
    ['America/New_York', '01:30', ['repeated']],
    ['America/New_York', '02:30', ['skipped']],
    ['America/Santiago', '23:30', ['repeated']],
    ['America/Santiago', '00:30', ['skipped']],
    ['Australia/Lord_Howe', '01:45', ['repeated']],
    ['Australia/Lord_Howe', '02:15', ['skipped']],
  ])('in %s at %s: %j', (zone, at, kinds) => {
    const [hour, minute] = at.split(':').map(Number);

    expect(daylightSavingChangesAt(zone, 2026, hour * 60 + minute).map((c) => c.kind)).toEqual(kinds);
  });
});
