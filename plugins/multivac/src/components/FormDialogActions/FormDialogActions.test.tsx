import { fireEvent, render, screen } from '@testing-library/react';
import { FormDialogActions } from './FormDialogActions';

describe('FormDialogActions', () => {
  it('cancels, and submits its form unless disabled', () => {
    const onCancel = jest.fn();
    const onSubmit = jest.fn((e: { preventDefault(): void }) =>
      e.preventDefault(),
    );
    const { rerender } = render(
      <form onSubmit={onSubmit}>
        <FormDialogActions onCancel={onCancel} submitLabel="Declare" />
      </form>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Declare' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);

    rerender(
      <form onSubmit={onSubmit}>
        <FormDialogActions onCancel={onCancel} submitLabel="Declare" disabled />
      </form>,
    );
    expect(screen.getByRole('button', { name: 'Declare' })).toBeDisabled();
  });
});
