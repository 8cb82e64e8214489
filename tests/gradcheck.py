"""Central-difference gradients for the layer tests (float64)."""
import numpy as np


def numerical_grad(f, x, eps=1e-6):
    """d f() / d x by central differences, perturbing ``x`` in place. x: float64 array."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        orig = x[i]
        x[i] = orig + eps
        up = f()
        x[i] = orig - eps
        down = f()
        x[i] = orig
        grad[i] = (up - down) / (2 * eps)
    return grad
