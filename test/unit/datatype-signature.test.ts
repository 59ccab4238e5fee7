// Unit tests of type signatures and their matching (MPI-4 §3.3.1, §5.1.11): a vector column received as
// contiguous, INT32 received as FLOAT32 (ERR_TYPE), mixed structs regrouped, prefixes, BYTE, the wire
// signature the engine sends, and MPI_Get_count / MPI_Get_elements with UNDEFINED.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BYTE,
  Datatype,
  FLOAT32,
  FLOAT64,
  FLOAT64_INT,
  INT16,
  INT32,
  INT32_INT,
  buf,
  checkSignatureMatch,
  getCount,
  getElements,
  homogeneousBase,
  signatureHash,
  signatureOf,
  signaturePrefixHash,
  wireSignature,
} from "../../runtime/datatype/index.ts";
import { UNDEFINED } from "../../runtime/constants.ts";

function codeOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "ok";
}

/** What the engine does: the sender's wire signature and byte count checked against the receive spec. */
function transfer(sendType: Datatype, sendCount: number, recvType: Datatype, recvCount: number): string {
  const recv = buf(new Uint8Array(Math.max(1, recvCount * recvType.extent + 64)), recvType, recvCount);
  return codeOf(() =>
    checkSignatureMatch(
      wireSignature(sendType, sendCount),
      recv,
      "recvInto(source=0, tag=0)",
      sendCount * sendType.size,
    ),
  );
}

describe("signatures", () => {
  it("are run-length and say when one basic type makes the whole type", () => {
    const column = Datatype.vector(1000, 1, 1000, FLOAT64);
    expect(signatureOf(column)).toEqual([{ code: FLOAT64.code, n: 1000 }]);
    expect(signatureOf(column, 3)).toEqual([{ code: FLOAT64.code, n: 3000 }]);
    expect(homogeneousBase(column)).toBe(FLOAT64.code);
    expect(homogeneousBase(FLOAT64_INT)).toBe(-1);
    expect(homogeneousBase(INT32_INT)).toBe(INT32.code);
    expect(signatureOf(FLOAT64_INT, 2)).toEqual([
      { code: FLOAT64.code, n: 1 },
      { code: INT32.code, n: 1 },
      { code: FLOAT64.code, n: 1 },
      { code: INT32.code, n: 1 },
    ]);
    expect(wireSignature(column, 1)).toBe(FLOAT64.code);
    expect(wireSignature(FLOAT64_INT, 2)).toBeLessThan(0);
  });

  it("hash the element sequence, whatever the grouping", () => {
    const pair = Datatype.struct([1, 1], [0, 8], [FLOAT64, INT32]);
    const twoPairs = Datatype.struct([1, 1, 1, 1], [0, 8, 16, 24], [FLOAT64, INT32, FLOAT64, INT32]);
    expect(signatureHash(pair, 6)).toBe(signatureHash(twoPairs, 3));
    expect(signatureHash(pair, 6)).toBe(signatureHash(FLOAT64_INT, 6));
    expect(signatureHash(pair, 6)).not.toBe(signatureHash(pair, 5));
    expect(signatureHash(Datatype.struct([1, 1], [0, 8], [INT32, FLOAT64]), 1)).not.toBe(signatureHash(pair, 1));
    expect(signaturePrefixHash(twoPairs, 12 * 6)).toBe(signatureHash(pair, 6));
    expect(signaturePrefixHash(twoPairs, 12 * 5)).toBe(signatureHash(pair, 5));
    expect(signaturePrefixHash(twoPairs, 14)).toBe(null); // ends inside an element
    expect(signatureHash(Datatype.contiguous(1_000_000, FLOAT64), 1000)).toBe(signatureHash(FLOAT64, 1e9));
  });

  it("hash equal signatures alike for random groupings", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(INT16, INT32, FLOAT64), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        (types, reps) => {
          let at = 0;
          const displs = types.map((t) => (at += t.size) - t.size);
          const one = Datatype.struct(
            types.map(() => 1),
            displs,
            types,
          );
          const many = Datatype.struct(
            [...types, ...types].map(() => 1),
            [...displs, ...displs.map((d) => d + at)],
            [...types, ...types],
          );
          expect(signatureHash(one, 2 * reps)).toBe(signatureHash(many, reps));
          expect(signatureHash(Datatype.contiguous(reps, one), 2)).toBe(signatureHash(many, reps));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("checkSignatureMatch", () => {
  it("a vector column is received as contiguous, and a row as a column", () => {
    const column = Datatype.vector(10, 1, 10, FLOAT64);
    expect(transfer(column, 1, FLOAT64, 10)).toBe("ok");
    expect(transfer(FLOAT64, 10, column, 1)).toBe("ok");
    expect(transfer(FLOAT64, 4, FLOAT64, 10)).toBe("ok"); // a prefix: a shorter message is fine
  });

  it("INT32 received as FLOAT32 is ERR_TYPE with both type names", () => {
    expect(transfer(INT32, 4, FLOAT32, 4)).toBe("ERR_TYPE");
    const recv = buf(new Float32Array(4));
    expect(() => checkSignatureMatch(INT32.code, recv, "recvInto(source=2, tag=7)", 16)).toThrowError(
      /^recvInto\(source=2, tag=7\) on rank .*: type signature mismatch \(sent INT32 vs expected FLOAT32\)\. /,
    );
  });

  it("mixed structs match when the element sequence is the same, regrouped or a prefix", () => {
    const pair = Datatype.struct([1, 1], [0, 8], [FLOAT64, INT32]);
    const twoPairs = Datatype.struct([1, 1, 1, 1], [0, 8, 16, 24], [FLOAT64, INT32, FLOAT64, INT32]);
    expect(transfer(pair, 4, twoPairs, 2)).toBe("ok");
    expect(transfer(pair, 2, twoPairs, 2)).toBe("ok");
    expect(transfer(pair, 3, twoPairs, 2)).toBe("ok"); // one pair and a half item of the receive type
    expect(transfer(FLOAT64_INT, 2, pair, 2)).toBe("ok");
    expect(transfer(pair, 2, Datatype.struct([1, 1], [0, 8], [INT32, FLOAT64]), 2)).toBe("ERR_TYPE");
    expect(transfer(FLOAT64, 1, pair, 1)).toBe("ok"); // the first element of the receive signature
    expect(transfer(INT32, 1, pair, 1)).toBe("ERR_TYPE");
    expect(transfer(pair, 1, FLOAT64, 2)).toBe("ERR_TYPE");
    expect(transfer(pair, 5, twoPairs, 2)).toBe("ERR_TRUNCATE");
  });

  it("BYTE matches anything, both ways", () => {
    expect(transfer(BYTE, 12, FLOAT64_INT, 1)).toBe("ok");
    expect(transfer(FLOAT64_INT, 1, BYTE, 12)).toBe("ok");
    expect(transfer(INT32, 3, BYTE, 12)).toBe("ok");
  });

  it("an empty message matches any receive", () => {
    expect(transfer(INT32, 0, FLOAT32, 4)).toBe("ok");
    expect(transfer(FLOAT64_INT, 0, FLOAT32, 4)).toBe("ok");
  });
});

describe("getCount and getElements", () => {
  it("count whole items, UNDEFINED otherwise", () => {
    expect(getCount(24, FLOAT64)).toBe(3);
    expect(getCount(20, FLOAT64)).toBe(UNDEFINED);
    expect(UNDEFINED).toBe(-32766);
    const column = Datatype.vector(3, 1, 5, INT32);
    expect(getCount(24, column)).toBe(2);
    expect(getCount(16, column)).toBe(UNDEFINED);
    expect(getCount(0, Datatype.contiguous(0, INT32))).toBe(0);
  });

  it("count basic elements, also in a partial item", () => {
    const st = Datatype.struct([1, 2], [0, 8], [FLOAT64, INT32]); // size 16: F64 I32 I32
    expect(getElements(32, st)).toBe(6);
    expect(getElements(24, st)).toBe(4); // one item and a FLOAT64
    expect(getElements(28, st)).toBe(5);
    expect(getElements(20, st)).toBe(UNDEFINED); // half a FLOAT64
    expect(getElements(16, Datatype.vector(2, 1, 3, FLOAT64))).toBe(2);
    expect(getElements(24, FLOAT64_INT)).toBe(4);
  });
});
