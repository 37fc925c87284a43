import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { nullTranslator } from '@jupyterlab/translation';

import { DataTable } from '../DataTable';
import { Facts } from '../Facts';
import { LabelledSelect } from '../LabelledSelect';
import { Notice, ServerMissingNotice } from '../Notice';
import { Section } from '../Section';
import { SectionToolbar } from '../SectionToolbar';
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

  it('shows a message as written before what to do, and no empty body', () => {
    const { container, rerender } = render(
      <Notice kind="error" title="Broken" message={'line one\nline two'}>
        <p>Retrying automatically.</p>
      </Notice>
    );
    const body = container.querySelector('.jp-Neuron-Notice-body');
    const paragraphs = Array.from(body?.querySelectorAll('p') ?? []);
    expect(paragraphs.map(p => p.className)).toEqual(['jp-Neuron-Message', '']);
    expect(paragraphs[0].textContent).toBe('line one\nline two');

    rerender(<Notice kind="error" title="Broken" message={null} />);
    expect(container.querySelector('.jp-Neuron-Notice-body')).toBeNull();
  });

  it('tells a missing server extension with the caller’s advice', () => {
    const trans = nullTranslator.load('jupyterlab_neuron');
    render(
      <ServerMissingNotice trans={trans}>
        <p>Install it.</p>
      </ServerMissingNotice>
    );
    const alert = screen.getByRole('alert');
    expect(alert.querySelector('.jp-Neuron-Notice-title')?.textContent).toBe(
      'The jupyterlab-neuron server extension is not available'
    );
    expect(alert.querySelector('.jp-Neuron-Notice-body')?.textContent).toBe(
      'Install it.'
    );
  });
});

describe('LabelledSelect', () => {
  it('labels its list and reports the value chosen', () => {
    const chosen: string[] = [];
    render(
      <LabelledSelect
        label="Root"
        ariaLabel="Filter by root"
        className="jp-Neuron-Example"
        value="b"
        options={[
          ['', 'All roots'],
          ['a', '/cache/a'],
          ['b', '/cache/b']
        ]}
        onChange={value => chosen.push(value)}
      />
    );
    const select = screen.getByRole('combobox', {
      name: 'Filter by root'
    }) as HTMLSelectElement;
    expect(select.value).toBe('b');
    expect(select.closest('label')?.className).toBe('jp-Neuron-Example');
    expect(select.closest('label')?.querySelector('span')?.textContent).toBe(
      'Root'
    );
    expect(Array.from(select.options).map(option => option.text)).toEqual([
      'All roots',
      '/cache/a',
      '/cache/b'
    ]);
    fireEvent.change(select, { target: { value: '' } });
    expect(chosen).toEqual(['']);
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

describe('SectionToolbar', () => {
  it('puts the note between what it opens and its refresh button', () => {
    const { container } = render(
      <SectionToolbar
        start={<button type="button">Open</button>}
        note="Updated 10:00"
        noteClassName="jp-Neuron-Example-updated"
      >
        <button type="button">Refresh</button>
      </SectionToolbar>
    );
    const row = container.querySelector('.jp-Neuron-SectionToolbar');
    expect(
      Array.from(row?.children ?? []).map(child => child.textContent)
    ).toEqual(['Open', 'Updated 10:00', 'Refresh']);
    const note = row?.children[1];
    expect(note?.className).toBe(
      'jp-Neuron-SectionToolbar-note jp-Neuron-Example-updated'
    );
  });
});

describe('DataTable', () => {
  it('heads its rows with one header cell per column, in a scrolling box', () => {
    const { container } = render(
      <DataTable
        className="jp-Neuron-ExampleTable"
        columns={[
          'PID',
          { label: 'Utilization', className: 'jp-Neuron-Number' }
        ]}
      >
        <tr>
          <td>42</td>
          <td>75%</td>
        </tr>
      </DataTable>
    );
    const table = container.querySelector(
      '.jp-Neuron-TableScroll > table.jp-Neuron-Table.jp-Neuron-ExampleTable'
    );
    const headers = Array.from(table?.querySelectorAll('thead th') ?? []);
    expect(
      headers.map(th => [
        th.textContent,
        th.className,
        th.getAttribute('scope')
      ])
    ).toEqual([
      ['PID', '', 'col'],
      ['Utilization', 'jp-Neuron-Number', 'col']
    ]);
    expect(table?.querySelector('tbody td')?.textContent).toBe('42');
  });
});
