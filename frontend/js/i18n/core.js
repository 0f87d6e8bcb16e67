// Words of the page's frame: header, tabs, panels, the graph's tools.
export default {
  en: {
    'locale.name': 'English',
  },
  zh: {
    'locale.name': '简体中文',
  },
};
