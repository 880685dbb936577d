// `node dist/src/main.js` (and `npm run dev`): the same as `kudos serve`. serve() registers the SIGTERM/SIGINT
// handlers first and only then loads the app; its module imports nothing but types.
import { serve } from './cli/serve';

serve();
