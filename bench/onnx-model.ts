/**
 * A tiny ONNX model writer for the cpu benchmark: just enough protobuf (varints, length-delimited
 * fields, packed floats) to describe a graph of standard operators over float32 tensors, so the
 * benchmark builds its onnxruntime models in process instead of shipping binary files.
 */

type Field = number[];

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

const key = (field: number, wire: number) => varint(field * 8 + wire);
const int = (field: number, v: number): Field => [...key(field, 0), ...varint(v)];
const bytes = (field: number, body: readonly number[]): Field => [
  ...key(field, 2),
  ...varint(body.length),
  ...body,
];
const str = (field: number, s: string): Field => bytes(field, [...new TextEncoder().encode(s)]);

const FLOAT = 1;

/** A graph node: `op` from `inputs` to `outputs`, with integer attributes. */
export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly ints?: Readonly<Record<string, number>>;
}

export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly { name: string; shape: readonly number[] }[];
  readonly outputs: readonly { name: string; shape: readonly number[] }[];
  /** Float32 constants by name (scalars or tensors). */
  readonly constants?: readonly { name: string; shape: readonly number[]; values: readonly number[] }[];
}

function valueInfo(name: string, shape: readonly number[]): Field {
  const dims = shape.map((d) => bytes(1, int(1, d))).flat();
  const tensorType = [...int(1, FLOAT), ...bytes(2, dims)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

function node(n: OnnxNode, index: number): Field {
  const attrs = Object.entries(n.ints ?? {}).map(([name, v]) =>
    bytes(5, [...str(1, name), ...int(3, v), ...int(20, 2)]),
  );
  return [
    ...n.inputs.flatMap((i) => str(1, i)),
    ...n.outputs.flatMap((o) => str(2, o)),
    ...str(3, `n${index}`),
    ...str(4, n.op),
    ...attrs.flat(),
  ];
}

function tensor(c: { name: string; shape: readonly number[]; values: readonly number[] }): Field {
  const floats = new Uint8Array(new Float32Array(c.values).buffer);
  return [
    ...c.shape.flatMap((d) => int(1, d)),
    ...int(2, FLOAT),
    ...bytes(4, [...floats]),
    ...str(8, c.name),
  ];
}

/** The serialized ModelProto (IR version 8, opset 17). @example `encodeOnnx({ nodes: [...], … })` */
export function encodeOnnx(graph: OnnxGraph): Uint8Array {
  const g = [
    ...graph.nodes.flatMap((n, i) => bytes(1, node(n, i))),
    ...str(2, 'saturn_bench'),
    ...(graph.constants ?? []).flatMap((c) => bytes(5, tensor(c))),
    ...graph.inputs.flatMap((i) => bytes(11, valueInfo(i.name, i.shape))),
    ...graph.outputs.flatMap((o) => bytes(12, valueInfo(o.name, o.shape))),
  ];
  const opset = [...str(1, ''), ...int(2, 17)];
  return new Uint8Array([...int(1, 8), ...bytes(7, g), ...bytes(8, opset)]);
}
