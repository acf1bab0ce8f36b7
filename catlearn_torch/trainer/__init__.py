"""The trainer behind :func:`catlearn_torch.fit`, one concern per module.

* :mod:`~catlearn_torch.trainer.optim`: parameter groups per edge, optimisers, keeping
  them in step with surgery, scheduler stepping;
* :mod:`~catlearn_torch.trainer.checkpoint`: checkpoint files (digest, atomic writes);
* :mod:`~catlearn_torch.trainer.rng`: the random generators' states;
* :mod:`~catlearn_torch.trainer.precision`: mixed precision;
* :mod:`~catlearn_torch.trainer.ema`: moving averages (EMA weights, EMA edges);
* :mod:`~catlearn_torch.trainer.stopping`: early stopping;
* :mod:`~catlearn_torch.trainer.log`: ``metrics.csv`` and TensorBoard;
* :mod:`~catlearn_torch.trainer.step` and :mod:`~catlearn_torch.trainer.epoch`: a
  training step and an epoch; :mod:`~catlearn_torch.trainer.fit`: :func:`fit` itself.

:mod:`catlearn_torch.train` gathers the public names.

>>> import catlearn_torch.trainer.fit as f
>>> f.fit.__name__
'fit'
"""
