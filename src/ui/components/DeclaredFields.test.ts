// The settings panel draws any objective's fields from its declaration: a new objective's fields
// show without a change to the panel.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { OBJECTIVES, objectiveSettings } from '../../shared/objectives';
import { choicePatch, fieldList, type Values } from '../../shared/fields';
import { toyInfo } from '../../test/toyObjective';
import { DeclaredFields, type DeclaredFieldsProps } from './DeclaredFields';

const run = { batchSize: 32, encoder: { kind: 'dense' as const, widths: [128] }, kind: 'image' as const };

function draw(info: DeclaredFieldsProps['info'], values: Values): string {
  return renderToStaticMarkup(
    createElement(DeclaredFields, { kind: 'objective', info, values, run, locked: false, onChange: () => {} }),
  );
}

describe('the objective fields', () => {
  it("a toy objective's declared field shows, with its label, value and limits", () => {
    const html = draw(toyInfo as unknown as DeclaredFieldsProps['info'], { target: 2.5 });
    expect(html).toContain('data-testid="objective-fields" data-id="toy"');
    const input = /<span>Target code<\/span><input data-testid="toy-target" type="number"[^>]*>/.exec(html)?.[0];
    expect(input).toContain('min="-10" max="10"');
    expect(input).toContain('value="2.5"');
  });

  it('a field follows the one before it: Gaussian noise is a standard deviation up to 10', () => {
    const gaussian = objectiveSettings('denoising', { denoising: { noise: 'gaussian' } });
    expect(gaussian).toEqual({ id: 'denoising', noise: 'gaussian', noiseLevel: 0.5 });
    const html = draw(OBJECTIVES.denoising, gaussian as Values);
    expect(html).toContain('<span>Noise std</span>');
    expect(html).toMatch(/data-testid="noise-level"[^>]*max="10"/);
    expect(html).toMatch(/<option value="gaussian" selected="">Gaussian noise<\/option>/);
    // A new corruption forgets the level set for the old one, which then follows the new kind.
    const [, kind] = fieldList(OBJECTIVES.denoising.fields)[0]!;
    expect(choicePatch(kind, 'noise', 'mask')).toEqual({ noise: 'mask', noiseLevel: undefined });
  });

  it("an objective's hint reads the run; one without fields draws none", () => {
    expect(draw(OBJECTIVES.contrastive, { temperature: 0.2 })).toContain('among the batch&#x27;s 63 others');
    expect(draw(OBJECTIVES.autoencoder, {})).toBe('');
  });
});
