import { describe, expect, it } from 'vitest';
import { EVENT_ASSET_IDS, INSTANCE_ASSET_IDS, suggestAssetId } from './assets.js';
import { editDistance, suggestClosest } from './suggest.js';

describe('asset catalog', () => {
  it('holds the instance names of docs/alexa.md and not Alexa.Button.Off', () => {
    expect(INSTANCE_ASSET_IDS.size).toBe(21);
    for (const id of ['Alexa.Button.TopButton', 'Alexa.Button.FirstButton', 'Alexa.Button.EighthButton']) {
      expect(INSTANCE_ASSET_IDS.has(id), id).toBe(true);
    }
    expect(INSTANCE_ASSET_IDS.has('Alexa.Button.Off')).toBe(false);
    expect(INSTANCE_ASSET_IDS.has('Alexa.Button.NinthButton')).toBe(false);
  });

  it('holds the event names with both DoubleTap spellings and not Alexa.Gesture.SinglePush', () => {
    expect(EVENT_ASSET_IDS.has('Alexa.Gesture.DoubleTap')).toBe(true);
    expect(EVENT_ASSET_IDS.has('Alexa.Gestures.DoubleTap')).toBe(true);
    expect(EVENT_ASSET_IDS.has('Alexa.Button.LongPush')).toBe(true);
    expect(EVENT_ASSET_IDS.has('Alexa.Gesture.SinglePush')).toBe(false);
    expect([...EVENT_ASSET_IDS].some((id) => INSTANCE_ASSET_IDS.has(id))).toBe(false);
  });
});

describe('suggestAssetId', () => {
  it.each([
    ['Alexa.Button.Top', INSTANCE_ASSET_IDS, 'Alexa.Button.TopButton'],
    ['Alexa.Button.Off', INSTANCE_ASSET_IDS, 'Alexa.Button.OffButton'],
    ['alexa.button.topbutton', INSTANCE_ASSET_IDS, 'Alexa.Button.TopButton'],
    ['Alexa.Button.TopButon', INSTANCE_ASSET_IDS, 'Alexa.Button.TopButton'],
    ['Alexa.Gesture.SinglePush', EVENT_ASSET_IDS, 'Alexa.Button.SinglePush'],
    ['Alexa.Gesture.Swipeup', EVENT_ASSET_IDS, 'Alexa.Gesture.SwipeUp'],
  ])('%s -> %s', (id, catalog, expected) => {
    expect(suggestAssetId(id, catalog)).toBe(expected);
  });

  it('suggests nothing for a far-off id', () => {
    expect(suggestAssetId('Kitchen.Light', INSTANCE_ASSET_IDS)).toBeUndefined();
  });
});

describe('suggestClosest', () => {
  it('finds key typos and leaves unrelated words alone', () => {
    const keys = ['host', 'port', 'dataDir', 'apiToken'];
    expect(suggestClosest('prot', keys)).toBe('port');
    expect(suggestClosest('datadir', keys)).toBe('dataDir');
    expect(suggestClosest('api', keys)).toBe('apiToken');
    expect(suggestClosest('colour', keys)).toBeUndefined();
  });

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
