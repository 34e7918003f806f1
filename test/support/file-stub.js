// What an imported image or stylesheet is in jest: its name, as a bundler gives a URL.
module.exports = 'file-stub';
