import { suggestClosest } from './suggest.js';

/**
 * Amazon's friendly-name asset ids that pressgate accepts (see docs/alexa.md,
 * "Directives"; a
 * third-party copy of Amazon's catalog, kept here in one place so it is easy
 * to correct). Anything else can be named with `{ text, locale }`.
 */

/** Asset ids for an instance (one button) of Alexa.SimpleEventSource. */
export const INSTANCE_ASSET_IDS: ReadonlySet<string> = new Set(
  [
    'OffButton',
    'OnButton',
    'BrightenButton',
    'DimButton',
    'MainButton',
    'TopButton',
    'BottomButton',
    'CenterButton',
    'MiddleButton',
    'UpButton',
    'DownButton',
    'LeftButton',
    'RightButton',
    'FirstButton',
    'SecondButton',
    'ThirdButton',
    'FourthButton',
    'FifthButton',
    'SixthButton',
    'SeventhButton',
    'EighthButton',
  ].map((name) => `Alexa.Button.${name}`),
);

/**
 * Asset ids for a supported event (one gesture). DoubleTap is listed in both
 * spellings found in copies of Amazon's catalog. `Alexa.Gesture.SinglePush`
 * does not exist.
 */
export const EVENT_ASSET_IDS: ReadonlySet<string> = new Set([
  'Alexa.Button.SinglePress',
  'Alexa.Button.SinglePush',
  'Alexa.Button.DoublePress',
  'Alexa.Button.DoublePush',
  'Alexa.Button.LongPress',
  'Alexa.Button.LongPush',
  'Alexa.Gesture.SingleClick',
  'Alexa.Gesture.DoubleClick',
  'Alexa.Gesture.Tap',
  'Alexa.Gesture.DoubleTap',
  'Alexa.Gestures.DoubleTap',
  'Alexa.Gesture.SwipeUp',
  'Alexa.Gesture.SwipeDown',
  'Alexa.Gesture.SwipeLeft',
  'Alexa.Gesture.SwipeRight',
]);

/** The catalog id most likely meant by an unknown `id`, if any is close. */
export function suggestAssetId(id: string, candidates: Iterable<string>): string | undefined {
  return suggestClosest(id, candidates);
}
