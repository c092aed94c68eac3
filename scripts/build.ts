import { build } from "./lib/build";

// `npm run build`: the production build, with the hash of its sources beside it, so `npm start`, the tests
// and the benchmarks use it as it is rather than building again.
build();
