# coding: utf-8
# The book's ch04/train.py ("Deep Learning from Scratch 2", 4.3.1) with only its imports
# changed: the layers come from wordvec.nn instead of the book's common/ and ch04/ folders.
# Run on a GPU with WORDVEC_GPU=1 (the book edits config.GPU = True here instead).
from wordvec.nn import backend as config
from wordvec.nn.backend import *
import pickle
from wordvec.nn import Trainer
from wordvec.nn import Adam
from wordvec.nn import CBOW
from wordvec.nn import SkipGram
from wordvec.nn import create_contexts_target, to_cpu, to_gpu
from wordvec.datasets import ptb


# Hyperparameters
window_size = 5
hidden_size = 100
batch_size = 100
max_epoch = 10

# Load the data
corpus, word_to_id, id_to_word = ptb.load_data('train')
vocab_size = len(word_to_id)

contexts, target = create_contexts_target(corpus, window_size)
if config.GPU:
    contexts, target = to_gpu(contexts), to_gpu(target)

# Build the model
model = CBOW(vocab_size, hidden_size, window_size, corpus)
# model = SkipGram(vocab_size, hidden_size, window_size, corpus)
optimizer = Adam()
trainer = Trainer(model, optimizer)

# Train
trainer.fit(contexts, target, max_epoch, batch_size)
trainer.plot()

# Save what eval.py needs
word_vecs = model.word_vecs
if config.GPU:
    word_vecs = to_cpu(word_vecs)
params = {}
params['word_vecs'] = word_vecs.astype(np.float16)
params['word_to_id'] = word_to_id
params['id_to_word'] = id_to_word
pkl_file = 'cbow_params.pkl'  # or 'skipgram_params.pkl'
with open(pkl_file, 'wb') as f:
    pickle.dump(params, f, -1)
