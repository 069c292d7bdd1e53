import { GESTURES } from '@pressgate/protocol'; console.log(GESTURES.join(','));
