// Golden trace hashes, part 4: see trace-hashes-part.ts.
import { goldenHashesPart } from './trace-hashes-part.ts';

goldenHashesPart(4);
