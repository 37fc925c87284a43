import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { Facts } from '../Facts';
import { Notice } from '../Notice';
import { Section } from '../Section';
import { StateBadge } from '../StateBadge';

/** Whether an element sits in a `hidden` subtree. */
function isHidden(element: HTMLElement): boolean {
  return element.closest('[hidden]') !== null;
}

describe('Section', () => {
  it('folds and unfolds its body from the header button', () => {
    render(
      <Section title="Devices" summary="2 devices">
        <p>body text</p>
      </Section>
    );
    const header = screen.getByRole('button', { name: /Devices/ });
    expect(header.getAttribute('aria-expanded')).toBe('true');
    expect(isHidden(screen.getByText('body text'))).toBe(false);
    expect(screen.getByText('2 devices')).toBeTruthy();

    fireEvent.click(header);
    expect(header.getAttribute('aria-expanded')).toBe('false');
    expect(isHidden(screen.getByText('body text'))).toBe(true);

    fireEvent.click(header);
    expect(isHidden(screen.getByText('body text'))).toBe(false);
  });

  it('can start folded', () => {
    render(
      <Section title="Tools" defaultOpen={false}>
        <p>hidden text</p>
      </Section>
    );
    expect(isHidden(screen.getByText('hidden text'))).toBe(true);
  });
});

describe('Notice', () => {
  it('announces errors as alerts and other notices as status', () => {
    const { rerender } = render(<Notice kind="error" title="Broken" />);
    expect(screen.getByRole('alert').textContent).toContain('Broken');
    rerender(<Notice kind="warning" title="Careful" />);
    expect(screen.getByRole('status').textContent).toContain('Careful');
  });
});

describe('StateBadge', () => {
  it('carries its kind in a class of its own', () => {
    render(<StateBadge kind="simulated" label="Simulated: trn1.2xlarge" />);
    const badge = screen.getByText('Simulated: trn1.2xlarge');
    expect(badge.classList).toContain('jp-Neuron-StateBadge-simulated');
  });
});

describe('Facts', () => {
  it('pairs each label with its value and skips empty items', () => {
    const { container } = render(
      <Facts
        items={[['Instance type', 'trn1.2xlarge'], null, ['NeuronCores', 2]]}
      />
    );
    const pairs = Array.from(container.querySelectorAll('.jp-Neuron-Fact')).map(
      fact =>
        `${fact.querySelector('dt')?.textContent}=${fact.querySelector('dd')?.textContent}`
    );
    expect(pairs).toEqual(['Instance type=trn1.2xlarge', 'NeuronCores=2']);
  });
});
