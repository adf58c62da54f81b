import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { DateField } from './DateField';

describe('DateField', () => {
  it('gives the picked value and keeps its label above the picker', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <DateField
        id="due"
        label="Due date"
        type="date"
        value=""
        onChange={onChange}
        helperText="Optional"
      />,
    );
    const input = screen.getByLabelText('Due date');
    expect(input).toHaveAttribute('type', 'date');
    expect(screen.getByText('Due date', { selector: 'label' })).toHaveAttribute(
      'data-shrink',
      'true',
    );
    expect(screen.getByText('Optional')).toBeInTheDocument();
    fireEvent.change(input, { target: { value: '2026-12-04' } });
    expect(onChange).toHaveBeenCalledWith('2026-12-04');
  });
});
