// Which layer options each format refuses, and why: the one table the reader consults (readChain
// refuses a layer by its row, quoting the reason) and the tests walk, row by row and format by
// format, both ways. An option in no row is written by every format; a row names the formats that
// refuse it, and a format it does not name writes it.
import type { ParsedLayer } from './layers';

/** Who reads a topology: the studio's import of model files, and the two export formats. */
export type Format = 'import' | 'onnx' | 'pytorch';
export const FORMATS = ['import', 'onnx', 'pytorch'] as const satisfies readonly Format[];

/** What each format suggests when it refuses a model ("what works"). */
export const FORMAT_HINTS: Readonly<Record<Format, { other: string; transformer: string }>> = {
  import: {
    other: 'Import the .zip the studio downloaded, or a TensorFlow.js layers model.json with its weight file.',
    transformer: 'The studio imports dense and convolutional networks; text models cannot be imported yet.',
  },
  onnx: {
    other: 'Use the TensorFlow.js download (model.json) for this model.',
    transformer:
      'The text Transformer cannot be exported to ONNX yet: use the TensorFlow.js download (model.json) for it.',
  },
  pytorch: {
    other: 'Use the TensorFlow.js download (model.json) for this model.',
    transformer:
      'Text Transformers (embeddings, self-attention) cannot continue in PyTorch yet: use the TensorFlow.js download (model.json) for them.',
  },
};

export interface SupportRow {
  /** The layer classes and the option, as model.json spells them. */
  option: string;
  /** The option as this layer sets it, for the message ("uses dilation_rate 2×2"); null when it does not. */
  usedBy: (l: ParsedLayer) => string | null;
  /** Why a format refuses it; a format not named here writes it. */
  refusedBy: Partial<Record<Format, string>>;
}

const above1 = (p: readonly number[]) => p.some((v) => v > 1);
const AMBIGUOUS = 'so the file does not say which of two networks it is';
const ALL_FORMATS = (reason: string) => ({ import: reason, onnx: reason, pytorch: reason });

export const SUPPORT = {
  channelsFirst: {
    option:
      'data_format "channels_first" (Conv2D, Conv2DTranspose, MaxPooling2D, GlobalMaxPooling2D, UpSampling2D, Flatten)',
    usedBy: (l) => (l.dataFormat === 'channels_first' ? 'data_format "channels_first"' : null),
    refusedBy: {
      import: 'the studio feeds images channels last (NHWC, the TensorFlow.js default) and reads its layers so',
      onnx: 'the ONNX graph takes images channels last (NHWC, the TensorFlow.js default) and transposes them for Conv and Pool only',
      pytorch:
        'model.py takes images channels last (NHWC, the TensorFlow.js default) and permutes them for its convolutions only',
    },
  },
  dilatedConv: {
    option: 'Conv2D dilation_rate above 1 (strides 1)',
    usedBy: (l) =>
      l.type === 'conv' && above1(l.dilation) && !above1(l.strides) ? `dilation_rate ${l.dilation.join('×')}` : null,
    refusedBy: {
      import:
        'TensorFlow.js 4.22 has no gradient for a dilated Conv2D (its Conv2D gradient takes dilation 1 only), so the studio could not train the model further',
    },
  },
  dilatedStridedConv: {
    option: 'Conv2D strides and dilation_rate both above 1',
    usedBy: (l) =>
      l.type === 'conv' && above1(l.dilation) && above1(l.strides)
        ? `strides ${l.strides.join('×')} with dilation_rate ${l.dilation.join('×')}`
        : null,
    refusedBy: ALL_FORMATS("TensorFlow.js's conv2d takes strides or dilations above 1, not both"),
  },
  dilatedTransposedConv: {
    option: 'Conv2DTranspose dilation_rate above 1',
    usedBy: (l) => (l.type === 'deconv' && above1(l.dilation) ? `dilation_rate ${l.dilation.join('×')}` : null),
    refusedBy: ALL_FORMATS(
      `TensorFlow.js 4.22's Conv2DTranspose ignores dilation_rate (Keras applies it), ${AMBIGUOUS}`,
    ),
  },
  outputPadding: {
    option: 'Conv2DTranspose output_padding',
    usedBy: (l) =>
      l.type === 'deconv' && l.outputPadding !== null && l.outputPadding !== undefined
        ? `output_padding ${JSON.stringify(l.outputPadding).slice(0, 20)}`
        : null,
    refusedBy: ALL_FORMATS(
      `TensorFlow.js 4.22's Conv2DTranspose has no output_padding (Keras applies it), ${AMBIGUOUS}`,
    ),
  },
  groups: {
    option: 'Conv2D, Conv2DTranspose groups above 1',
    usedBy: (l) => ((l.type === 'conv' || l.type === 'deconv') && l.groups !== 1 ? `groups ${l.groups}` : null),
    refusedBy: ALL_FORMATS('TensorFlow.js 4.22 has no grouped convolutions (every kernel spans all input channels)'),
  },
  keepdims: {
    option: 'GlobalMaxPooling2D keepdims',
    usedBy: (l) => (l.type === 'globalmaxpool' && l.keepdims ? 'keepdims' : null),
    refusedBy: ALL_FORMATS(
      `TensorFlow.js 4.22's GlobalMaxPooling2D has no keepdims (it drops the pooled axes, Keras keeps them), ${AMBIGUOUS}`,
    ),
  },
  bilinearUpsampling: {
    option: 'UpSampling2D interpolation "bilinear"',
    usedBy: (l) => (l.type === 'upsample' && l.interpolation === 'bilinear' ? 'interpolation "bilinear"' : null),
    refusedBy: {
      pytorch:
        'TensorFlow.js samples bilinear upsampling at output / scale (resizeBilinear with alignCorners and halfPixelCenters false), ' +
        'while PyTorch\'s nn.Upsample(mode="bilinear") samples at half-pixel centres (align_corners=False) or from corner to corner (True), ' +
        'so neither gives the same values (2× of 0, 1, 2: tfjs 0, 0.5, 1, 1.5, 2, 2; PyTorch 0, 0.25, 0.75, 1.25, 1.75, 2 or 0, 0.4, 0.8, 1.2, 1.6, 2)',
    },
  },
  dropoutNoiseShape: {
    option: 'Dropout noise_shape',
    usedBy: (l) => (l.type === 'dropout' && l.noiseShape ? 'a noise_shape' : null),
    refusedBy: {
      pytorch:
        "nn.Dropout drops every value on its own, so train.py would not drop together what TensorFlow.js's noise_shape drops together",
    },
  },
  inputDtype: {
    option: 'an input dtype other than float32',
    usedBy: (l) =>
      l.declaredInput && l.declaredInput.dtype !== 'float32'
        ? `the input dtype "${l.declaredInput.dtype.slice(0, 20)}"`
        : null,
    refusedBy: {
      import: 'the studio feeds float32 inputs (its encoded rows and pixels)',
      onnx: 'the ONNX graph takes float32 inputs, as the studio encodes them',
      pytorch: 'model.py takes float32 inputs, as data.py encodes them',
    },
  },
} as const satisfies Record<string, SupportRow>;

export type SupportOption = keyof typeof SUPPORT;
export const SUPPORT_OPTIONS = Object.keys(SUPPORT) as SupportOption[];

/** The first option this layer uses that the format refuses: the row, the option as used, the reason. */
export function refusal(
  l: ParsedLayer,
  format: Format,
): { option: SupportOption; uses: string; reason: string } | null {
  for (const option of SUPPORT_OPTIONS) {
    const row: SupportRow = SUPPORT[option];
    const reason = row.refusedBy[format];
    const uses = reason ? row.usedBy(l) : null;
    if (reason && uses) return { option, uses, reason };
  }
  return null;
}
