// Renderer entry: applies the saved theme before first paint (and one chosen in another tab
// later) and mounts the app shell.

import { mount } from 'svelte';
import App from './App.svelte';
import { applyTheme, followThemeOfOtherTabs, loadTheme } from './lib/theme';
import './styles/theme.css';
import './styles/shell.css';
import './styles/controls.css';
import './styles/content.css';

applyTheme(loadTheme());
followThemeOfOtherTabs();

const target = document.getElementById('app');
if (!target) throw new Error('index.html is missing #app');
mount(App, { target });
