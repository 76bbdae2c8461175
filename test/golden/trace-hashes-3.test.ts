// Golden trace hashes, part 3: see trace-hashes-part.ts.
import { goldenHashesPart } from './trace-hashes-part.ts';

goldenHashesPart(3);
