/**
 * Asset ids the emulator accepts in friendlyNames, written from docs/alexa.md, "Directives" (a third-party copy
 * of Amazon's asset list, agreed by two independent catalogs). Anything else must be a text
 * name. `Alexa.Button.Off` and `Alexa.Gesture.SinglePush` do not exist and are rejected.
 */
const BUTTON_NAMES = [
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
  'SinglePress',
  'SinglePush',
  'DoublePress',
  'DoublePush',
  'LongPress',
  'LongPush',
];

const GESTURE_NAMES = [
  'SingleClick',
  'DoubleClick',
  'Tap',
  'SwipeUp',
  'SwipeDown',
  'SwipeLeft',
  'SwipeRight',
  'DoubleTap',
];

export const ASSET_IDS: ReadonlySet<string> = new Set([
  ...BUTTON_NAMES.map((name) => `Alexa.Button.${name}`),
  ...GESTURE_NAMES.map((name) => `Alexa.Gesture.${name}`),
  // Copies of Amazon's catalog spell DoubleTap both ways; accept both.
  'Alexa.Gestures.DoubleTap',
]);
