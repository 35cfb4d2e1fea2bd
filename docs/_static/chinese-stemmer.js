// Sphinx 9.0.4 ends the Chinese edition's language_data.js with `window.Stemmer =
// ChineseStemmer` but defines only EnglishStemmer, which the Chinese search uses for the Latin
// words of a query (sphinx-doc/sphinx#14229). Loaded before it, this defines the missing name.
window.ChineseStemmer = function ChineseStemmer() {
  const english = new EnglishStemmer();
  this.stemWord = (word) => english.stemWord(word);
};
