// Small progressive enhancements; every page works without this file.
document.addEventListener('DOMContentLoaded', function () {
  // Ask before administrative actions that cannot be undone silently.
  document.querySelectorAll('form[action$="/reset"], form[action$="/revoke"], form[action$="/lock"]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (!window.confirm('确定执行此操作吗？')) { e.preventDefault(); }
    });
  });
});
